// The suite-order decision against modelled servers: one that enforces its order, one that follows
// the client, OpenSSL's prioritize_chacha, Go's AES-hardware rule, and a server that answers at
// random. No sockets: `pick` is the model.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { probeSuiteOrder } from '../../../src/probe/suite-order.ts';

const AES256 = 0xc02c;
const CHACHA = 0xcca9;
const AES128 = 0xc02b;
const CBC = 0xc00a;
const ORDER = [AES256, CHACHA, AES128, CBC];

type Pick = (offered: readonly number[]) => Promise<number | undefined>;
const serverOrder: Pick = async (offered) => ORDER.find((id) => offered.includes(id));
const clientOrder: Pick = async (offered) => offered[0];
const prioritizeChacha: Pick = async (offered) =>
  offered[0] === CHACHA ? CHACHA : ORDER.find((id) => offered.includes(id));
// Go: ChaCha20 first unless the client's first suite is AES-GCM.
const goRule: Pick = async (offered) =>
  offered[0] === AES256 || offered[0] === AES128
    ? ORDER.find((id) => offered.includes(id))
    : offered.includes(CHACHA)
      ? CHACHA
      : ORDER.find((id) => offered.includes(id));

describe('probeSuiteOrder', () => {
  it('server order, client order, and the ChaCha20 exception', async () => {
    assert.deepEqual(await probeSuiteOrder(ORDER, serverOrder), { state: 'yes', chacha20_preferred: false });
    assert.deepEqual(await probeSuiteOrder(ORDER, clientOrder), { state: 'no', chacha20_preferred: false });
    assert.deepEqual(await probeSuiteOrder(ORDER, prioritizeChacha), {
      state: 'yes',
      chacha20_preferred: true,
    });
    assert.deepEqual(await probeSuiteOrder(ORDER, goRule), { state: 'yes', chacha20_preferred: true });
  });

  it('not tested, with the reason, when it cannot be told', async () => {
    assert.deepEqual(await probeSuiteOrder([AES256], serverOrder), {
      state: 'not_tested',
      why: 'one suite accepted',
    });
    const two = await probeSuiteOrder([AES256, CHACHA], serverOrder);
    assert.equal(two.state, 'not_tested');
    let n = 0;
    const erratic: Pick = async (offered) => offered[n++ % offered.length];
    const r = await probeSuiteOrder(ORDER, erratic);
    assert.equal(r.state, 'not_tested');
    assert.match(r.state === 'not_tested' ? r.why : '', /neither its own order nor the client's/);
  });
});
