// a single Client is out of scope
// expect: clean
import { Client } from 'pg';
async function f() {
  const c = new Client();
  await c.connect();
  await c.query('x');
}
