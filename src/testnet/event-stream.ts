/** A reader of server-sent events (a daemon's /v1/sessions/{session}/events) over fetch. */

export interface ServerEvent {
  event: string
  data: unknown
}

/** Calls `onEvent` for each event until the stream ends or `signal` aborts; never rejects. */
export async function followEvents (url: string, token: string, onEvent: (event: ServerEvent) => void, signal: AbortSignal): Promise<void> {
  try {
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal })
    if (!response.ok || response.body === null) return
    const decoder = new TextDecoder()
    let buffered = ''
    for await (const chunk of response.body) {
      buffered += decoder.decode(chunk, { stream: true })
      let end: number
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        const block = buffered.slice(0, end)
        buffered = buffered.slice(end + 2)
        const event = /^event: (.*)$/m.exec(block)?.[1]
        const data = /^data: (.*)$/m.exec(block)?.[1]
        if (event !== undefined && data !== undefined) onEvent({ event, data: JSON.parse(data) })
      }
    }
  } catch {
    // the daemon was killed, or the testnet stopped listening: either way the stream is over
  }
}
