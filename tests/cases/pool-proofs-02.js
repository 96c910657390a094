// expect: leak line 4 kind discarded
import db from './db.js';
async function f() {
  await db.connect();
}
