// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
function finish(done) {
  done();
}
function f() {
  pool.connect((err, client, done) => {
    if (err) return;
    client.query('BEGIN', (e) => {
      finish(done);
    });
  });
}
