import {z} from 'zod'

import {ROLES} from '../model/node.js'

/** The YAML shape of an inventory file, as written by operators. Normalized by load-inventory.ts. */

const identityFile = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)])
const port = z.number().int().min(1).max(65_535)
const jump = z.string().min(1).nullable()

export const inventoryDefaultsSchema = z.strictObject({
  user: z.string().min(1).optional(),
  port: port.optional(),
  identity_file: identityFile.optional(),
  known_hosts: z.string().min(1).optional(),
  jump: jump.optional(),
})

export const inventoryNodeSchema = z.strictObject({
  name: z
    .string()
    .min(1)
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
      'node names are host-like words: letters, digits, ".", "_" and "-"',
    ),
  host: z.string().min(1).optional(),
  roles: z.array(z.enum(ROLES)).default([]),
  user: z.string().min(1).optional(),
  port: port.optional(),
  identity_file: identityFile.optional(),
  known_hosts: z.string().min(1).optional(),
  jump: jump.optional(),
})

export const inventoryFileSchema = z.strictObject({
  defaults: inventoryDefaultsSchema.optional(),
  nodes: z.array(inventoryNodeSchema).min(1, 'an inventory lists at least one node'),
})

export type InventoryFile = z.infer<typeof inventoryFileSchema>
export type InventoryNodeEntry = z.infer<typeof inventoryNodeSchema>
