/** Why a file was refused. The code is stable; the message is Norwegian (bokmål) for the user. */
export type EhfErrorCode =
  | 'empty'
  | 'too_large'
  | 'encoding'
  | 'not_xml'
  | 'doctype'
  | 'entity'
  | 'malformed'
  | 'truncated'
  | 'too_deep'
  | 'not_ubl'
  | 'wrong_namespace'
  | 'invalid';

export class EhfError extends Error {
  constructor(
    readonly code: EhfErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EhfError';
  }
}
