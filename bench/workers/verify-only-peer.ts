import { createPeer } from "./peer-app";

/** The verify-only peer: Hono's `jwt` middleware and `proxy` helper, no revocation at all. */
export default createPeer();
