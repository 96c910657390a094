// expect: leak line 5 kind discarded
const pg = require('pg');
const p = new pg.Pool();
async function f() {
  await p.connect();
}
