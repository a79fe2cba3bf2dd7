import * as z from "zod/mini";

// zod compiles fast parsers with `new Function` unless told not to; MV3's CSP forbids that,
// and we promise no eval-like code at run time. Every module takes zod from here.
z.config({ jitless: true });

export { z };
