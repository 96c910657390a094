// the ESM way to get Pool out of the CommonJS pg package
// expect: leak line 7 kind discarded
import pg from 'pg';
const { Pool } = pg;
const p = new Pool();
async function f() {
  await p.connect();
}
