/** Spellings of one kebab-case name (`stock-items`): PascalCase, camelCase, CONSTANT_CASE, snake_case. */
export interface NameForms {
  readonly kebab: string;
  readonly pascal: string;
  readonly camel: string;
  readonly constant: string;
  readonly snake: string;
}

/** A system or service name: lower-case letters, digits and dashes, starting with a letter. */
export const NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * The spellings of `name`.
 * @throws Error when `name` is not kebab-case ({@link NAME_PATTERN}).
 */
export function nameForms(name: string, what = 'name'): NameForms {
  if (!NAME_PATTERN.test(name))
    throw new Error(`${what} "${name}" must be kebab-case: lower-case letters, digits, dashes`);
  const parts = name.split('-');
  const pascal = parts.map((p) => p[0]!.toUpperCase() + p.slice(1)).join('');
  return {
    kebab: name,
    pascal,
    camel: pascal[0]!.toLowerCase() + pascal.slice(1),
    constant: parts.join('_').toUpperCase(),
    snake: parts.join('_'),
  };
}

/** Everything the templates of one service need (see docs/adding-a-service.md). */
export interface ServiceNames {
  readonly system: NameForms;
  readonly service: NameForms;
  /** The aggregate: `<service>-item` (e.g. `tasks-item`, class stem `TasksItem`). */
  readonly item: NameForms;
  /** Nx project name and image name: `<system>-<service>`. */
  readonly project: string;
  /** `systems/<system>/<service>`. */
  readonly root: string;
  /** Database schema of the service (`<service>` with `-` → `_`). */
  readonly dbSchema: string;
  /** Public base path of the service's resource: `/<system>/v1/<service>`. */
  readonly basePath: string;
  /** Import path of the system's contracts: `@archipelago/<system>-contracts`. */
  readonly contracts: string;
  /** Name of the integration event and its recorded schema: `<Item>CreatedV1`. */
  readonly createdEvent: string;
  /** Kafka topic of that event: `<system>.<service>.item-created.v1`. */
  readonly createdTopic: string;
}

/** Derives every name of a service from its system and its own name. */
export function serviceNames(system: string, service: string): ServiceNames {
  const s = nameForms(system, 'system');
  const n = nameForms(service, 'service name');
  const item = nameForms(`${service}-item`);
  return {
    system: s,
    service: n,
    item,
    project: `${system}-${service}`,
    root: `systems/${system}/${service}`,
    dbSchema: n.snake,
    basePath: `/${system}/v1/${service}`,
    contracts: `@archipelago/${system}-contracts`,
    createdEvent: `${item.pascal}CreatedV1`,
    createdTopic: `${system}.${service}.item-created.v1`,
  };
}
