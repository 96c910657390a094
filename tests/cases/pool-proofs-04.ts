// expect: leak line 4 kind discarded
import { db } from './reexport';
async function f() {
  await db.connect();
}
