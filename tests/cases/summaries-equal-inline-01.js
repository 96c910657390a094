// the release function given to a helper that releases through a completion callback
// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
function commit(client, done) {
  client.query('COMMIT', (err) => { done(err); });
}
function f() {
  pool.connect((err, client, done) => {
    if (err) return;
    client.query('BEGIN', (e) => {
      if (e) { done(e); return; }
      commit(client, done);
    });
  });
}
