export { blake3 } from './blake3.js';
