// an import shadowed by a parameter
// expect: clean
import db from './db';
async function f(db) {
  const c = await db.connect();
  await c.foo();
}
