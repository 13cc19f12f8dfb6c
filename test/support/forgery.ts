export { claimEse, rewriteAttestation } from '../../cli/threats/forgery.js';
