/** API paths of the areas the tab uses beyond the register (one place to keep them in step). */
const enc = encodeURIComponent;
export const endpoints = {
  myTasks: '/api/followup/tasks/mine',
  overdueTasks: '/api/followup/tasks/overdue',
  task: (id: string) => `/api/followup/tasks/${enc(id)}`,
  taskAction: (id: string, action: 'complete' | 'snooze' | 'reassign' | 'skip') =>
    `/api/followup/tasks/${enc(id)}/${action}`,
  plan: (contractId: string) => `/api/followup/contracts/${enc(contractId)}/plan`,
  documents: (contractId: string) => `/api/contracts/${enc(contractId)}/documents`,
  ceiling: (contractId: string) => `/api/dashboard/ceiling/${enc(contractId)}`,
  dashboard: '/api/dashboard',
  routines: '/api/followup/routines',
  routine: (id: string) => `/api/followup/routines/${enc(id)}`,
  settings: '/api/followup/settings',
  importRegister: (dryRun: boolean) => `/api/import?dryRun=${dryRun ? 'true' : 'false'}`,
  exportRegister: '/api/export.xlsx',
};
