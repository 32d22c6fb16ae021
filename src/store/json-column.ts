/**
 * JSON columns: text on both engines. Only this store writes them, from typed values, so reading them back as
 * that type is sound; a row that does not parse means the database was edited by hand, and says so.
 */
export function readJson<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new Error(`stored ${what} is not valid JSON (edited outside ra-watch?)`, { cause: error });
  }
}
