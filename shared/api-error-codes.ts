// Every error code that license-api.md lists for the endpoints the agent uses, with the status the
// documentation gives it. The emulator answers with these; the client's classifier must know each.

export interface DocumentedError {
  status: number;
  message: string;
}

export const DOCUMENTED_ERRORS = {
  // Authorization (HMAC).
  missing_headers: { status: 400, message: 'Required headers are missing: Date and Authorization.' },
  authorization_invalid_headers: {
    status: 400,
    message: 'The Authorization header must sign exactly the "date" header.',
  },
  authorization_missing_params: {
    status: 400,
    message: 'The Authorization header lacks algorithm, headers, signature or apikey.',
  },
  hmac_required: { status: 400, message: 'The Authorization algorithm must be hmac-sha256.' },
  signature_mismatch: { status: 400, message: 'The request signature does not match.' },
  invalid_api_key: { status: 400, message: 'The API key is not valid.' },
  revoked_api_key: { status: 400, message: 'The API key has been revoked.' },
  read_only_api_key: { status: 400, message: 'The API key is read-only.' },
  api_key_product_not_allowed: { status: 400, message: 'The API key may not be used with this product.' },
  date_header_diff: { status: 400, message: 'The Date header differs from the server time by more than 15 minutes.' },
  // Authorization (OAuth bearer tokens).
  oauth_token_expired: { status: 401, message: 'The access token has expired.' },
  oauth_token_malformed: { status: 401, message: 'The access token is malformed or unknown.' },
  // Request shape.
  missing_parameters: { status: 400, message: 'Required parameters are missing.' },
  validation_error: { status: 400, message: 'The request failed validation.' },
  invalid_json: { status: 400, message: 'The request body is not valid JSON.' },
  // Product, license and device state.
  unknown_product: { status: 400, message: 'Provided product was not found.' },
  license_not_found: { status: 400, message: 'License with the provided license key or license user not found.' },
  license_not_active: { status: 400, message: 'The license is not active.' },
  license_not_enabled: { status: 400, message: 'The license is not enabled.' },
  license_activated_max_times: { status: 400, message: 'The license has been activated the maximum number of times.' },
  trial_expired: { status: 400, message: 'The trial period has expired.' },
  device_not_found: { status: 400, message: 'An active device matching the hardware_id was not found.' },
  blacklisted: { status: 400, message: 'This device is blacklisted.' },
} as const satisfies Record<string, DocumentedError>;

export type DocumentedErrorCode = keyof typeof DOCUMENTED_ERRORS;

export const DOCUMENTED_ERROR_CODES = Object.keys(DOCUMENTED_ERRORS) as DocumentedErrorCode[];
