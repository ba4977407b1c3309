// regen's edge worker: serves a tree built by `regen build` from an R2
// bucket. See ../doc.go for what it answers and its bindings.

import { handle } from "./handler.js";

export default {
  /**
   * @param {Request} request
   * @param {Record<string, unknown>} env
   */
  fetch(request, env) {
    return handle(request, env);
  },
};
