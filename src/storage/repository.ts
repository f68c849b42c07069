import type { Db } from './database.js';

/**
 * Base of every repository. Subclasses prepare their statements as field initialisers, which
 * run after this constructor has stored `db` (fields of a derived class initialise after super()).
 */
export abstract class Repository {
  constructor(protected readonly db: Db) {}
}
