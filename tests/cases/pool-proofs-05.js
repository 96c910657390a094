// expect: leak line 4 kind discarded
import * as m from './db.js';
async function f() {
  await m.pool.connect();
}
