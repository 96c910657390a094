// expect: leak line 5 kind release-not-guaranteed
import { Pool } from 'pg';
const pool = new Pool();
function f() {
  return pool.connect().then((c) => c.query('x').then(() => c.release()));
}
