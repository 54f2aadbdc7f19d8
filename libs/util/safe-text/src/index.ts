export {
  findUnstorableString,
  unstorableReason,
  type UnstorableReason,
  type UnstorableString,
} from './unstorable-string.js';
