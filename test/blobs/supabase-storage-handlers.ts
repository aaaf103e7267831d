/**
 * msw stand-in for the Supabase Storage REST API (the routes storage-js 2.x calls), holding objects in memory.
 * Errors have Storage's shape `{ statusCode, error, message }`; a missing object answers 400 with statusCode "404",
 * as Storage does.
 */
import { randomUUID } from "node:crypto";
import { HttpResponse, http } from "msw";

export interface StoredObject {
  body: Uint8Array;
  contentType: string;
}

export interface StorageStandIn {
  handlers: ReturnType<typeof http.all>[];
  objects: Map<string, StoredObject>;
  /** Every request's method, path and x-upsert header, in order. */
  requests: { method: string; path: string; upsert: string | null }[];
  /** expiresIn of every signing request. */
  signedFor: number[];
  /** The bucket, once it exists; object routes answer "Bucket not found" until then. */
  bucket: { public: boolean } | null;
  /** When set, the next request fails with this status. */
  failNext: { status: number } | null;
}

const storageError = (httpStatus: number, statusCode: string, error: string, message: string) =>
  HttpResponse.json({ statusCode, error, message }, { status: httpStatus });

const notFound = () => storageError(400, "404", "not_found", "Object not found");

export function createStorageStandIn(
  baseUrl: string,
  serviceRoleKey: string,
  bucket = "media",
): StorageStandIn {
  const api = `${baseUrl}/storage/v1`;
  const state: StorageStandIn = {
    handlers: [],
    objects: new Map(),
    requests: [],
    signedFor: [],
    bucket: { public: false },
    failNext: null,
  };
  const signed = new Map<string, { key: string; expiresAt: number }>();

  const keyOf = (request: Request, prefix: string) =>
    decodeURIComponent(new URL(request.url).pathname.slice(new URL(`${api}${prefix}`).pathname.length));

  /** Returns an error response unless the request carries the service role key. */
  function guard(request: Request): Response | null {
    state.requests.push({
      method: request.method,
      path: new URL(request.url).pathname,
      upsert: request.headers.get("x-upsert"),
    });
    if (state.failNext) {
      const { status } = state.failNext;
      state.failNext = null;
      return storageError(status, String(status), "internal", "Storage is having a bad day");
    }
    if (request.headers.get("authorization") !== `Bearer ${serviceRoleKey}`) {
      return storageError(400, "403", "Unauthorized", "Invalid JWT");
    }
    if (!state.bucket && new URL(request.url).pathname.includes(`/${bucket}`)) {
      return storageError(400, "404", "Bucket not found", "Bucket not found");
    }
    return null;
  }

  async function readUpload(request: Request): Promise<StoredObject> {
    const type = request.headers.get("content-type") ?? "";
    if (type.startsWith("multipart/form-data")) {
      const form = await request.formData();
      const file = form.get("");
      if (!(file instanceof Blob)) throw new Error("multipart upload without a file part");
      return {
        body: new Uint8Array(await file.arrayBuffer()),
        contentType: file.type || "application/octet-stream",
      };
    }
    return {
      body: new Uint8Array(await request.arrayBuffer()),
      contentType: type || "application/octet-stream",
    };
  }

  const upload =
    (mode: "create" | "update") =>
    async ({ request }: { request: Request }) => {
      const denied = guard(request);
      if (denied) return denied;
      const key = keyOf(request, `/object/${bucket}/`);
      const exists = state.objects.has(key);
      if (mode === "create" && exists && request.headers.get("x-upsert") !== "true") {
        return storageError(400, "409", "Duplicate", "The resource already exists");
      }
      if (mode === "update" && !exists) return notFound();
      state.objects.set(key, await readUpload(request));
      return HttpResponse.json({ Key: `${bucket}/${key}`, Id: randomUUID() });
    };

  state.handlers = [
    http.post(`${api}/bucket`, async ({ request }) => {
      const denied = guard(request);
      if (denied) return denied;
      const body = (await request.json()) as { id?: string; name?: string; public?: boolean };
      if (body.id !== bucket) return storageError(400, "400", "InvalidRequest", "Unexpected bucket");
      if (state.bucket) return storageError(400, "409", "Duplicate", "The resource already exists");
      state.bucket = { public: body.public === true };
      return HttpResponse.json({ name: bucket });
    }),
    http.post(`${api}/object/${bucket}/*`, upload("create")),
    http.put(`${api}/object/${bucket}/*`, upload("update")),
    http.get(`${api}/object/${bucket}/*`, ({ request }) => {
      const denied = guard(request);
      if (denied) return denied;
      const object = state.objects.get(keyOf(request, `/object/${bucket}/`));
      if (!object) return notFound();
      return new HttpResponse(object.body.slice(), { headers: { "content-type": object.contentType } });
    }),
    http.head(`${api}/object/${bucket}/*`, ({ request }) => {
      const denied = guard(request);
      if (denied) return new HttpResponse(null, { status: denied.status });
      const found = state.objects.has(keyOf(request, `/object/${bucket}/`));
      return new HttpResponse(null, { status: found ? 200 : 400 });
    }),
    http.post(`${api}/object/sign/${bucket}/*`, async ({ request }) => {
      const denied = guard(request);
      if (denied) return denied;
      const key = keyOf(request, `/object/sign/${bucket}/`);
      const { expiresIn } = (await request.json()) as { expiresIn?: number };
      state.signedFor.push(Number(expiresIn));
      if (!state.objects.has(key)) return notFound();
      if (typeof expiresIn !== "number" || expiresIn < 1) {
        return storageError(400, "400", "InvalidRequest", "expiresIn must be a positive number");
      }
      const token = randomUUID();
      signed.set(token, { key, expiresAt: Date.now() + expiresIn * 1000 });
      return HttpResponse.json({ signedURL: `/object/sign/${bucket}/${key}?token=${token}` });
    }),
    // The signed URL itself: no Authorization, only the token.
    http.get(`${api}/object/sign/${bucket}/*`, ({ request }) => {
      const token = new URL(request.url).searchParams.get("token") ?? "";
      const grant = signed.get(token);
      const key = keyOf(request, `/object/sign/${bucket}/`);
      if (!grant || grant.key !== key)
        return storageError(400, "InvalidSignature", "InvalidSignature", "Invalid token");
      if (grant.expiresAt < Date.now()) return storageError(400, "InvalidJWT", "InvalidJWT", "jwt expired");
      const object = state.objects.get(key);
      if (!object) return notFound();
      return new HttpResponse(object.body.slice(), { headers: { "content-type": object.contentType } });
    }),
    http.delete(`${api}/object/${bucket}`, async ({ request }) => {
      const denied = guard(request);
      if (denied) return denied;
      const { prefixes } = (await request.json()) as { prefixes: string[] };
      const removed = prefixes.filter((p) => state.objects.delete(p));
      return HttpResponse.json(removed.map((name) => ({ name, bucket_id: bucket })));
    }),
  ];
  return state;
}
