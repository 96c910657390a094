// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
function ( {{{ [[[ 
