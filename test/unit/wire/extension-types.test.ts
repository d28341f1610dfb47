import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExtensionType, extensionName } from '../../../src/wire/extension-types.ts';

describe('extension types', () => {
  it('names code points as IANA spells them', () => {
    assert.equal(extensionName(ExtensionType.serverName), 'server_name');
    assert.equal(extensionName(ExtensionType.alpn), 'application_layer_protocol_negotiation');
    assert.equal(extensionName(43), 'supported_versions');
    assert.equal(extensionName(51), 'key_share');
    assert.equal(extensionName(0xfe0d), 'encrypted_client_hello');
    assert.equal(extensionName(0xff01), 'renegotiation_info');
  });

  it('calls GREASE GREASE and unknown values by number', () => {
    assert.equal(extensionName(0x5a5a), 'GREASE');
    assert.equal(extensionName(0x1234), 'extension_0x1234');
  });

  it('has a name for every constant', () => {
    for (const [key, value] of Object.entries(ExtensionType)) {
      assert.doesNotMatch(extensionName(value), /^extension_0x/, key);
    }
  });
});
