// expect: leak line 5 kind discarded
import PgPool from 'pg-pool';
const p = new PgPool();
async function f() {
  await p.connect();
}
