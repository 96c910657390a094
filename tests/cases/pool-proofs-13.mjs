// expect: leak line 6 kind discarded
import pg from 'pg';
const P = pg.Pool;
const p = new P();
async function f() {
  await p.connect();
}
