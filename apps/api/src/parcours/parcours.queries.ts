import { businessDateOf } from '@parcours/domain';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Identity } from '@parcours/auth';
import { LoadedParcours, mayRead, ParcoursRepository, Problem } from '@parcours/application';

export class GetParcours {
  constructor(
    readonly parcoursId: string,
    readonly identity: Identity,
  ) {}
}

export class GetParcoursHistory {
  constructor(
    readonly parcoursId: string,
    readonly identity: Identity,
  ) {}
}

async function loadReadable(
  repository: ParcoursRepository,
  id: string,
  who: Identity,
): Promise<LoadedParcours> {
  const loaded = await repository.load(id);
  if (loaded.state.status === 'none')
    throw Problem.notFound('PARCOURS_NOT_FOUND', "Ce parcours n'existe pas.");
  if (!mayRead(who, loaded.state)) throw Problem.forbidden();
  return loaded;
}

/** The NIR is kept for the partners' matching but shown to nobody: screens only learn that it is known. */
export function withoutNir<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutNir) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => (k === 'nir' ? ['nirRecorded', Boolean(v)] : [k, withoutNir(v)])),
    ) as T;
  }
  return value;
}

/** The current state of one parcours, as decide sees it, with its revision for If-Match. */
@QueryHandler(GetParcours)
export class GetParcoursHandler implements IQueryHandler<GetParcours> {
  constructor(private readonly repository: ParcoursRepository) {}

  async execute({ parcoursId, identity }: GetParcours) {
    const { state } = await loadReadable(this.repository, parcoursId, identity);
    const { parcoursId: id, ...rest } = state;
    return withoutNir({ id, ...rest });
  }
}

/** Every event of the parcours with its business date, when it was recorded and by whom. */
@QueryHandler(GetParcoursHistory)
export class GetParcoursHistoryHandler implements IQueryHandler<GetParcoursHistory> {
  constructor(private readonly repository: ParcoursRepository) {}

  async execute({ parcoursId, identity }: GetParcoursHistory) {
    const { events } = await loadReadable(this.repository, parcoursId, identity);
    return events.map((e) => ({
      revision: e.revision,
      type: e.type,
      businessDate: businessDateOf(e.type, e.data),
      recordedAt: e.metadata.recordedAt,
      actor: e.metadata.actor,
      data: withoutNir(e.data),
    }));
  }
}
