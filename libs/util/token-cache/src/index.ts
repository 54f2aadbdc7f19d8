export { VerifiedTokenCache, type VerifiedTokenCacheOptions } from './verified-token-cache.js';
