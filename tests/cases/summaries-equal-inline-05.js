// expect: leak line 8 kind release-not-guaranteed
import { Pool } from 'pg';
const pool = new Pool();
function finish(done, ok) {
  if (ok) done();
}
function f() {
  pool.connect((err, client, done) => {
    if (err) return;
    client.query('BEGIN', (e) => {
      finish(done, e);
    });
  });
}
