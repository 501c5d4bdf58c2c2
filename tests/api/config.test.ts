// Settings from the environment: demo data only by default in development mode, so a tenant's
// first start never fills its register with the demo portfolio.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config.ts';

describe('configuration', () => {
  it('DEMO_DATA defaults to on in development mode and off with Entra ID', () => {
    assert.equal(loadConfig({ AUTH_MODE: 'dev' }).DEMO_DATA, 'on');
    assert.equal(loadConfig({}).DEMO_DATA, 'off');
    assert.equal(loadConfig({ AUTH_MODE: 'entra' }).DEMO_DATA, 'off');
    assert.equal(loadConfig({ AUTH_MODE: 'entra', DEMO_DATA: 'on' }).DEMO_DATA, 'on');
    assert.equal(loadConfig({ AUTH_MODE: 'dev', DEMO_DATA: 'off' }).DEMO_DATA, 'off');
  });

  it('a bad value names the setting', () => {
    assert.throws(() => loadConfig({ DEMO_DATA: 'ja' }), /DEMO_DATA/);
    assert.throws(() => loadConfig({ PORT: 'x' }), /PORT/);
  });
});
