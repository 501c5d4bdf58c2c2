import { type AccountInfo, createStandardPublicClientApplication } from '@azure/msal-browser';
import type { CredentialProvider } from './api.ts';
import type { TabConfig } from './types.ts';

/**
 * Production sign-in outside Teams: MSAL with redirect (no pop-ups to block). Loaded only in this
 * case, so the Teams and dev paths never download it.
 */
export async function msalCredentials(
  entra: NonNullable<TabConfig['entra']>,
): Promise<CredentialProvider> {
  const pca = await createStandardPublicClientApplication({
    auth: {
      clientId: entra.clientId,
      authority: entra.authority,
      redirectUri: `${window.location.origin}/tab/`,
    },
    cache: { cacheLocation: 'sessionStorage' },
  });
  const result = await pca.handleRedirectPromise();
  let account: AccountInfo | null = result?.account ?? pca.getAllAccounts()[0] ?? null;
  const scopes = [...entra.scopes];
  if (!account) {
    await pca.loginRedirect({ scopes, redirectStartPage: window.location.href });
    // The page navigates away; never resolve.
    return new Promise(() => {});
  }
  pca.setActiveAccount(account);
  return async () => {
    try {
      const r = await pca.acquireTokenSilent({ scopes, account: account as AccountInfo });
      account = r.account;
      return { authorization: `Bearer ${r.accessToken}` };
    } catch {
      await pca.acquireTokenRedirect({ scopes });
      return new Promise(() => {});
    }
  };
}
