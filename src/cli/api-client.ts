/**
 * A client of a running daemon's local API, for `secagg status`, `submit` and `result`: it finds the
 * daemon and its token through the data directory, unless told the URL and token.
 */
import { readRuntimeInfo, readToken } from '../daemon/data-dir.js'
import { CliError, EXIT_BAD_INPUT } from './cli-error.js'

export interface ClientArgs {
  dataDir: string
  api?: string
  token?: string
}

export class ApiClient {
  private constructor (readonly base: string, private readonly token: string) {}

  static async connect (args: ClientArgs): Promise<ApiClient> {
    const base = args.api ?? (await readRuntimeInfo(args.dataDir)).api
    const token = args.token ?? await readToken(args.dataDir)
    return new ApiClient(base.replace(/\/$/, ''), token)
  }

  /** The response of a request that succeeded; a CliError with the API's own message otherwise. */
  async request (path: string, init: { method?: string, body?: Uint8Array<ArrayBuffer>, headers?: Record<string, string> } = {}): Promise<Response> {
    let response: Response
    try {
      response = await fetch(`${this.base}${path}`, {
        method: init.method ?? 'GET',
        headers: { authorization: `Bearer ${this.token}`, ...init.headers },
        ...(init.body !== undefined ? { body: init.body } : {})
      })
    } catch (err: any) {
      throw new CliError(`cannot reach the daemon at ${this.base}: ${err.cause?.message ?? err.message}`)
    }
    if (!response.ok) {
      const body = await response.json().catch(() => undefined) as { message?: string } | undefined
      // what the caller sent was wrong (exit 2), or the daemon cannot do it now: no result yet, a full queue (exit 1)
      const badInput = [400, 401, 413, 415].includes(response.status)
      throw new CliError(`the daemon answered ${response.status}: ${body?.message ?? response.statusText}`, badInput ? EXIT_BAD_INPUT : 1)
    }
    return response
  }

  async json<T> (path: string, init?: Parameters<ApiClient['request']>[1]): Promise<T> {
    return await (await this.request(path, init)).json() as T
  }
}

export const clientOptions = {
  api: { type: 'string', description: 'The daemon\'s API URL (default: from <data-dir>/daemon.json)' },
  token: { type: 'string', description: 'The API token (default: from <data-dir>/api-token)' }
} as const
