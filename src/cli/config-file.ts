/**
 * The `--config` file: a JSON object whose keys are the command's flags. yargs reports any failure to
 * load it as "Invalid JSON config file", a missing file included, so the reason is kept here for the
 * command's failure handler to print.
 */
import { readFileSync } from 'node:fs'

let problem: string | undefined

/** Reads a config file for yargs; on failure, records why and throws (yargs then fails the command). */
export function readConfigFile (path: string): Record<string, unknown> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    problem = `cannot read config file ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message}`
    throw new Error(problem)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    problem = `config file ${path} is not valid JSON: ${(err as Error).message}`
    throw new Error(problem)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    problem = `config file ${path} must hold a JSON object of options, such as {"api-port": 7341}`
    throw new Error(problem)
  }
  return parsed as Record<string, unknown>
}

/** Why the config file could not be loaded, if it could not. */
export function configFileProblem (): string | undefined {
  return problem
}
