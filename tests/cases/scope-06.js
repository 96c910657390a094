// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
function f(cb) {
  pool.connect((err, c, done) => {
    if (err) return cb(err);
    c.query('x', (err, r) => {
      done();
      if (err) return cb(err);
      cb(null, r);
    });
  });
}
