import { z } from "../kit/zod.ts";

/*
 * Shapes of Cobalt's answers. Loose objects everywhere: Cobalt adds fields between API versions
 * (see the legacy and v3 examples in the reference) and we must keep working when it does.
 * Fields we only display are caught to `undefined` when they have the wrong type, so one odd
 * field never hides an app that needs attention.
 */

const optionalString = z.catch(z.optional(z.string()), undefined);
const optionalBoolean = z.catch(z.optional(z.boolean()), undefined);

export const ApplicationSchema = z.looseObject({
  // `slug` is what every per-app call needs; legacy items may only carry `type`.
  slug: optionalString,
  type: optionalString,
  name: optionalString,
  icon: optionalString,
  auth_type: optionalString,
  connected: optionalBoolean,
  reauth_required: optionalBoolean,
  connected_accounts: z.catch(z.optional(z.array(z.unknown())), undefined),
});
export type Application = z.infer<typeof ApplicationSchema>;

export const ErrorBodySchema = z.looseObject({
  message: optionalString,
  error: optionalString,
  error_code: optionalString,
  http_error_type: optionalString,
});

export const IntegrationSchema = z.looseObject({
  type: optionalString,
  name: optionalString,
  icon: optionalString,
  reauth_required: optionalBoolean,
  refresh_token_expired: optionalBoolean,
});

export const LinkedAccountSchema = z.looseObject({
  account_id: z.string(),
  name: optionalString,
  // A malformed list is treated as absent: the account then gets the full check instead of vanishing.
  integrations: z.catch(z.optional(z.array(IntegrationSchema)), undefined),
});
export type LinkedAccount = z.infer<typeof LinkedAccountSchema>;

export const LinkedAccountPageSchema = z.looseObject({
  docs: z.array(z.unknown()),
  totalDocs: z.optional(z.number()),
  totalPages: z.optional(z.number()),
  page: z.optional(z.number()),
  hasNextPage: z.optional(z.boolean()),
  nextPage: z.optional(z.nullable(z.number())),
});

export const OAuthUrlSchema = z.looseObject({ auth_url: z.string() });
export const SessionTokenSchema = z.looseObject({ token: z.string() });
export const ConnectUrlSchema = z.looseObject({ hosted_url: z.string() });
