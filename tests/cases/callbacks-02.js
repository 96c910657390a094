// expect: leak line 5 kind release-not-guaranteed
import { Pool } from 'pg';
const pool = new Pool();
function f(cb) {
  pool.connect((err, c, done) => {
    if (err) return cb(err);
    c.query('x', (e, r) => {
      if (e) return cb(e);
      done();
    });
  });
}
