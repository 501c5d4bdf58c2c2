import {
  type ContractView,
  contractStatus,
  currentEndDate,
  maximumEndDate,
} from '../core/index.ts';

/** What the API returns for a contract: the viewer's projection plus derived facts. */
export function toApiContract(view: ContractView, today: string, expiringWindowDays: number) {
  return {
    ...view,
    status: contractStatus(view, today, expiringWindowDays),
    currentEndDate: currentEndDate(view),
    maximumEndDate: maximumEndDate(view),
  };
}
export type ApiContract = ReturnType<typeof toApiContract>;
