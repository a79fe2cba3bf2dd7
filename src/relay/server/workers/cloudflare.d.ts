/* The module the Workers runtime provides for Durable Object classes (types only: see types.ts). */
declare module "cloudflare:workers" {
  import type { DurableObjectState } from "./types.ts";

  export abstract class DurableObject<Env = unknown> {
    protected readonly ctx: DurableObjectState;
    protected readonly env: Env;
    constructor(ctx: DurableObjectState, env: Env);
  }
}
