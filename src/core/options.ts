import type { Contract, ContractOption } from './contract.ts';
import type { IsoDate } from './dates.ts';
import { DomainError, notFound } from './errors.ts';

export type OptionDecision = 'exercised' | 'declined';

/**
 * Options are decided in order ("2 år + 1 + 1"): an option can only be exercised once every
 * earlier one is exercised, and declining one lets every later open option lapse (declined too).
 */
export function decideOption(
  c: Pick<Contract, 'options' | 'terminatedOn'>,
  optionId: string,
  decision: OptionDecision,
  today: IsoDate,
  actorId: string,
): ContractOption[] {
  const index = c.options.findIndex((o) => o.id === optionId);
  if (index < 0) throw notFound('Opsjonen');
  const option = c.options[index] as ContractOption;
  if (option.state !== 'open') {
    throw new DomainError('conflict', `Opsjonen er allerede ${stateWord(option.state)}`);
  }
  if (c.terminatedOn && c.terminatedOn <= today) {
    throw new DomainError('conflict', 'Avtalen er sagt opp; opsjoner kan ikke lenger avgjøres');
  }
  if (decision === 'exercised' && c.options.slice(0, index).some((o) => o.state !== 'exercised')) {
    throw new DomainError('conflict', 'En tidligere opsjon må utløses før denne');
  }
  const decided = { decidedAt: today, decidedBy: actorId };
  return c.options.map((o, i) => {
    if (i === index) return { ...o, ...decided, state: decision };
    if (decision === 'declined' && i > index && o.state === 'open') {
      return { ...o, ...decided, state: 'declined' };
    }
    return o;
  });
}

const stateWord = (s: ContractOption['state']) => (s === 'exercised' ? 'utløst' : 'avslått');

/** Gives every option a stable id (`opsjon-1`, …) where the input had none. */
export function withOptionIds(
  options: readonly (Omit<ContractOption, 'id'> & { id?: string | undefined })[],
): ContractOption[] {
  const used = new Set(options.map((o) => o.id).filter(Boolean));
  let n = 0;
  return options.map((o) => {
    if (o.id) return { ...o, id: o.id };
    let id: string;
    do id = `opsjon-${++n}`;
    while (used.has(id));
    used.add(id);
    return { ...o, id };
  });
}
