// Tests freeze inputs with the same function the stores use for what they hand out, so that any
// mutation by the code under test throws (strict mode).
export { deepFreeze } from '../../src/core/stored-resource.js';
