import { Router } from 'express';
import { z } from 'zod';
import {
  asViewer,
  DomainError,
  forbidden,
  isAdmin,
  notFound,
  orgnrSchema,
  unitSchema,
  userSchema,
} from '../../core/index.ts';
import type { Services } from '../../services.ts';
import { currentUser } from '../auth.ts';
import { toApiContract } from '../contract-view.ts';
import { parseWith } from '../http.ts';

const supplierBody = z.object({ name: z.string().trim().min(1, 'mangler navn').max(200) }).strict();

/** Units, users and suppliers; reading for every signed-in user, changes for Kontraktservice. */
export function directoryRoutes(services: Services): Router {
  const router = Router();
  const dir = services.store.directory;
  const requireAdmin = (req: Parameters<typeof currentUser>[0]) => {
    const user = currentUser(req);
    if (!isAdmin(user)) throw forbidden('Bare Kontraktservice kan endre dette');
    return user;
  };

  router.get('/me', (req, res) => {
    res.json(currentUser(req));
  });

  router.get('/units', async (req, res) => {
    currentUser(req);
    res.json({ items: await dir.listUnits() });
  });

  router.put('/units/:id', async (req, res) => {
    const user = requireAdmin(req);
    const unit = parseWith(unitSchema, { ...req.body, id: req.params.id });
    if (unit.parentId && !(await dir.getUnit(unit.parentId))) {
      throw new DomainError('validation', `Overordnet enhet ${unit.parentId} finnes ikke`, [
        { field: 'parentId', message: 'finnes ikke' },
      ]);
    }
    res.json(await dir.saveUnit(unit, user.id));
  });

  router.get('/users', async (req, res) => {
    currentUser(req);
    res.json({ items: await dir.listUsers() });
  });

  router.put('/users/:id', async (req, res) => {
    const admin = requireAdmin(req);
    const user = parseWith(userSchema, { ...req.body, id: req.params.id });
    if (user.unitId && !(await dir.getUnit(user.unitId))) {
      throw new DomainError('validation', `Enheten ${user.unitId} finnes ikke`, [
        { field: 'unitId', message: 'finnes ikke' },
      ]);
    }
    res.json(await dir.saveUser(user, admin.id));
  });

  router.get('/suppliers', async (req, res) => {
    const scope = services.contracts.scopeFor(asViewer(currentUser(req)));
    const q = parseWith(z.object({ q: z.string().max(200).optional() }), req.query);
    res.json({ items: await dir.listSuppliers(scope, q.q) });
  });

  router.get('/suppliers/:orgnr', async (req, res) => {
    const user = currentUser(req);
    const supplier = await dir.getSupplier(
      req.params.orgnr,
      services.contracts.scopeFor(asViewer(user)),
    );
    if (!supplier) throw notFound('Leverandøren');
    const found = await services.contracts.search(asViewer(user), {
      supplierOrgnr: supplier.orgnr,
      includeExpired: true,
      limit: 200,
    });
    const today = services.contracts.today();
    res.json({
      ...supplier,
      contracts: found.items.map((c) =>
        toApiContract(c, today, services.config.EXPIRING_WINDOW_DAYS),
      ),
    });
  });

  router.put('/suppliers/:orgnr', async (req, res) => {
    const user = requireAdmin(req);
    const orgnr = parseWith(orgnrSchema, req.params.orgnr, 'orgnr');
    const body = parseWith(supplierBody, req.body);
    res.json(await dir.saveSupplier({ orgnr, name: body.name }, user.id));
  });

  router.get('/audit/:entity/:id', async (req, res) => {
    requireAdmin(req);
    res.json({ items: await services.store.audit.list(req.params.entity, req.params.id) });
  });

  return router;
}
