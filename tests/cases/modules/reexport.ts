export { pool as db } from './db';
