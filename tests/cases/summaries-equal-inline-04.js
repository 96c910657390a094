// twins: the helper ignores the release function, or releases on one path only
// expect: leak line 9 kind release-not-guaranteed
import { Pool } from 'pg';
const pool = new Pool();
function commit(client, done) {
  client.query('COMMIT', (err) => { log(err); });
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
