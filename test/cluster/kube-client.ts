import * as https from 'https';

/** An error answer of the API server, with its HTTP status and message. */
export class KubeApiError extends Error {
  constructor(readonly status: number, readonly method: string, readonly path: string, readonly body: string) {
    super(`${method} ${path}: HTTP ${status}: ${messageOf(body)}`);
  }
}

function messageOf(body: string): string {
  try {
    return JSON.parse(body).message ?? body;
  } catch {
    return body;
  }
}

/** Kinds without a namespace, among those the tests apply. */
const CLUSTER_SCOPED = new Set(['Namespace', 'Node', 'ClusterRole', 'ClusterRoleBinding', 'PriorityClass', 'RuntimeClass', 'PersistentVolume', 'StorageClass']);

/**
 * The REST collection path of an object: `/api/v1/namespaces/NS/pods`,
 * `/apis/apps/v1/namespaces/NS/daemonsets`, `/apis/rbac.authorization.k8s.io/v1/clusterroles`...
 */
export function collectionPath(obj: { apiVersion: string; kind: string; metadata?: { namespace?: string } }): string {
  const group = obj.apiVersion.includes('/') ? `/apis/${obj.apiVersion}` : `/api/${obj.apiVersion}`;
  const lower = obj.kind.toLowerCase();
  const plural = lower.endsWith('y') ? `${lower.slice(0, -1)}ies` : lower.endsWith('s') ? `${lower}es` : `${lower}s`;
  if (CLUSTER_SCOPED.has(obj.kind)) {
    return `${group}/${plural}`;
  }
  return `${group}/namespaces/${obj.metadata?.namespace ?? 'default'}/${plural}`;
}

/**
 * A small client of the Kubernetes REST API over HTTPS with a bearer token: the tests talk to the
 * API server directly, so that a fresh CI machine needs no kubectl.
 */
export class KubeClient {
  private readonly agent: https.Agent;

  constructor(private readonly server: string, private readonly token: string, ca: string) {
    this.agent = new https.Agent({ ca, keepAlive: true, maxSockets: 8 });
  }

  public get(path: string): Promise<any> {
    return this.request('GET', path);
  }

  public post(path: string, body: unknown): Promise<any> {
    return this.request('POST', path, body);
  }

  public put(path: string, body: unknown): Promise<any> {
    return this.request('PUT', path, body);
  }

  /** A JSON merge patch (RFC 7386): lists are replaced whole, `null` removes a field. */
  public mergePatch(path: string, body: unknown): Promise<any> {
    return this.request('PATCH', path, body, 'application/merge-patch+json');
  }

  public delete(path: string, body?: unknown): Promise<any> {
    return this.request('DELETE', path, body);
  }

  /** Creates an object in its collection and returns what the server stored. */
  public create(obj: any): Promise<any> {
    return this.post(collectionPath(obj), obj);
  }

  /** The readiness of the API server (`/readyz`), false while it starts. */
  public async ready(): Promise<boolean> {
    try {
      await this.request('GET', '/readyz');
      return true;
    } catch {
      return false;
    }
  }

  public close(): void {
    this.agent.destroy();
  }

  private request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<any> {
    const url = new URL(path, this.server);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = https.request(url, {
        method,
        agent: this.agent,
        headers: {
          Authorization: `Bearer ${this.token}`,
          Accept: 'application/json',
          ...(payload ? { 'Content-Type': contentType, 'Content-Length': payload.length } : {}),
        },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf-8');
          if ((res.statusCode ?? 0) >= 400) {
            reject(new KubeApiError(res.statusCode ?? 0, method, path, text));
            return;
          }
          try {
            resolve(text.startsWith('{') ? JSON.parse(text) : text);
          } catch (e) {
            reject(e);
          }
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path}: no answer in 30s`)));
      req.end(payload);
    });
  }
}
