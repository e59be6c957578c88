import { LabError } from '../errors.js';

/**
 * A request the API server refused or never answered. `status` is the HTTP
 * status, 0 when the server could not be reached; graders turn any of these
 * into an `error` result, never a pass.
 */
export class KubeRequestError extends LabError {
  constructor(
    message: string,
    readonly status: number,
    readonly reason: string,
    options: { fix?: string; cause?: unknown } = {},
  ) {
    super(message, options);
  }

  get isNotFound(): boolean {
    return this.status === 404;
  }

  get isForbidden(): boolean {
    return this.status === 403;
  }

  get isUnreachable(): boolean {
    return this.status === 0;
  }
}

/** The parts of a metav1.Status the lab reports. */
export interface ApiStatus {
  message?: string;
  reason?: string;
  code?: number;
}

export function parseStatus(body: string): ApiStatus {
  try {
    const parsed = JSON.parse(body) as ApiStatus;
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}
