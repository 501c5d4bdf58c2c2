/** Domain errors carry a stable code; the API maps each code to one HTTP status. */
export type ErrorCode =
  | 'validation'
  | 'not_found'
  | 'conflict'
  | 'precondition_failed'
  | 'forbidden'
  | 'unauthorized';

export interface FieldIssue {
  /** Dotted path of the field, e.g. `suppliers.0.orgnr`. */
  readonly field: string;
  readonly message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues: readonly FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string) => new DomainError('not_found', `${what} finnes ikke`);
export const forbidden = (why: string) => new DomainError('forbidden', why);
export const staleVersion = () =>
  new DomainError(
    'precondition_failed',
    'Avtalen er endret av noen andre siden du hentet den. Last inn på nytt og prøv igjen.',
  );
