// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
function rollback(client, done) {
  client.query('ROLLBACK', done);
}
function f() {
  pool.connect((err, client, done) => {
    if (err) return;
    client.query('BEGIN', (e) => {
      if (e) { rollback(client, done); return; }
      done();
    });
  });
}
