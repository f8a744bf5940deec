import {pick, int, text, toObject, toRows, type Row} from './openstack-fields.js'

/** A cinder volume as `openstack volume show` reports it (admin view: the backend host is visible). */
export interface Volume {
  id: string | null
  name: string | null
  /** creating, available, in-use, error, … */
  status: string | null
  /** The backend that owns it, `host@backend#pool`; null when the scheduler never placed it. */
  host: string | null
  /** The node part of `host` ("controller-0" of "controller-0@lvm#pool"): where cinder-volume runs. */
  backendNode: string | null
  size: number | null
  type: string | null
  availabilityZone: string | null
  createdAt: string | null
  updatedAt: string | null
  /** Set when it was created from an image: glance is on the path. */
  imageId: string | null
}

/** One user message cinder recorded about a failed operation (`openstack volume message list`). */
export interface VolumeMessage {
  id: string | null
  eventId: string | null
  resourceId: string | null
  level: string | null
  /** "schedule allocate volume:Could not find any available weighted backend." */
  message: string | null
  requestId: string | null
  createdAt: string | null
}

/** Normalizes `openstack volume show -f json` (or its table). */
export function normalizeVolume(raw: unknown): Volume {
  const r = toObject(raw, 'openstack volume show')
  const host = text(pick(r, 'os-vol-host-attr:host', 'host'))
  const image = pick(r, 'volume_image_metadata')
  return {
    id: text(pick(r, 'id', 'ID')),
    name: text(pick(r, 'name', 'Name')),
    status: text(pick(r, 'status', 'Status')),
    host,
    backendNode: host === null ? null : (host.split(/[@#]/)[0] ?? null),
    size: int(pick(r, 'size', 'Size')),
    type: text(pick(r, 'type', 'volume_type', 'Type')),
    availabilityZone: text(pick(r, 'availability_zone')),
    createdAt: text(pick(r, 'created_at')),
    updatedAt: text(pick(r, 'updated_at')),
    imageId: image !== null && typeof image === 'object' ? text((image as Row).image_id) : null,
  }
}

/** Normalizes `openstack volume message list -f json`. */
export function normalizeVolumeMessages(raw: unknown): VolumeMessage[] {
  return toRows(raw, 'openstack volume message list').map((r) => ({
    id: text(pick(r, 'ID', 'id')),
    eventId: text(pick(r, 'Event ID', 'event_id')),
    resourceId: text(pick(r, 'Resource UUID', 'resource_uuid')),
    level: text(pick(r, 'Message Level', 'message_level')),
    message: text(pick(r, 'User Message', 'user_message')),
    requestId: text(pick(r, 'Request ID', 'request_id')),
    createdAt: text(pick(r, 'Created At', 'created_at')),
  }))
}
