// One integration: what it is and the people its alerts reach. Contacts are listed with the
// deactivated ones (greyed), added from a form whose fields show the gateway's own validation
// messages (a VALIDATION or CONFLICT error names the field), deactivated and reactivated in place.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';

import { GatewayError } from '../client';
import { CONTACT_TYPES, graphql, oneOf, type ResultOf } from '../graphql';
import { useGateway, useQuery } from '../hooks';
import { href } from '../router';
import { Badge, ErrorLine, Link, Time } from '../ui';

const IntegrationQuery = graphql(`
  query DashboardIntegration($code: String!) {
    integration(code: $code) {
      id
      code
      name
      businessObject
      direction
      endSystem
      expectedDurationSeconds
      contacts(includeInactive: true) {
        id
        name
        email
        contactType
        active
        createdAt
      }
    }
  }
`);

const CreateContact = graphql(`
  mutation DashboardCreateContact($input: CreateIntegrationContactInput!) {
    createIntegrationContact(input: $input) {
      id
      name
    }
  }
`);

const DeactivateContact = graphql(`
  mutation DashboardDeactivateContact($id: Int!) {
    deactivateIntegrationContact(id: $id) {
      id
      active
    }
  }
`);

const ReactivateContact = graphql(`
  mutation DashboardReactivateContact($id: Int!) {
    updateIntegrationContact(id: $id, input: { active: true }) {
      id
      active
    }
  }
`);

type Contact = NonNullable<ResultOf<typeof IntegrationQuery>['integration']>['contacts'][number];

/** The integration page (`/integrations/CODE`). */
export function IntegrationDetail(props: { code: string }) {
  const integration = useQuery(IntegrationQuery, { code: props.code });
  const data = integration.data?.integration;
  return (
    <>
      <section class="card">
        <h2>
          Integration <span data-testid="integration-code">{props.code}</span>
        </h2>
        <ErrorLine error={integration.error} />
        {integration.data && !data ? <p class="muted">There is no integration {props.code}.</p> : null}
        {data ? (
          <dl class="fields">
            <dt>Name</dt>
            <dd>{data.name}</dd>
            <dt>Moves</dt>
            <dd>
              {data.businessObject} ({data.direction}) · {data.endSystem}
            </dd>
            <dt>Expected run duration</dt>
            <dd>{data.expectedDurationSeconds === null ? <span class="muted">none</span> : `${data.expectedDurationSeconds} s`}</dd>
            <dt>Runs</dt>
            <dd>
              <Link to={href('/runs', { integration: data.code })}>the runs of {data.code}</Link>
            </dd>
          </dl>
        ) : !integration.error && !integration.data ? (
          <p class="muted">Loading…</p>
        ) : null}
      </section>
      {data ? (
        <Contacts integrationId={data.id} contacts={data.contacts} loading={integration.loading} onChange={integration.refetch} />
      ) : null}
    </>
  );
}

function Contacts(props: { integrationId: number; contacts: Contact[]; loading: boolean; onChange: () => void }) {
  const gateway = useGateway();
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // The messages of the fields the gateway refused, by field name.
  const [fieldErrors, setFieldErrors] = useState<ReadonlyMap<string, string>>(new Map());
  // Bumped after a contact is added: the (uncontrolled) form starts empty again.
  const [formKey, setFormKey] = useState(0);

  const run = async (action: () => Promise<string>) => {
    setBusy(true);
    setActionError(null);
    setNotice(null);
    try {
      setNotice(await action());
      props.onChange();
      return true;
    } catch (error) {
      if (error instanceof GatewayError && error.fields.size > 0) {
        setFieldErrors(error.fields);
      } else {
        setActionError(error instanceof Error ? error.message : String(error));
      }
      return false;
    } finally {
      setBusy(false);
    }
  };

  const onAdd = async (event: JSX.TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setFieldErrors(new Map());
    const added = await run(async () => {
      const result = await gateway.request(CreateContact, {
        input: {
          integration: { id: props.integrationId },
          name: String(form.get('name') ?? ''),
          email: String(form.get('email') ?? ''),
          contactType: oneOf(CONTACT_TYPES, String(form.get('contactType'))) ?? 'TECHNICAL',
        },
      });
      return `Contact ${result.createIntegrationContact.name} added.`;
    });
    if (added) setFormKey((k) => k + 1);
  };

  const setActive = (contact: Contact, active: boolean) =>
    run(async () => {
      if (active) await gateway.request(ReactivateContact, { id: contact.id });
      else await gateway.request(DeactivateContact, { id: contact.id });
      return `Contact ${contact.name} ${active ? 'reactivated' : 'deactivated'}.`;
    });

  const fieldError = (field: string) => {
    const message = fieldErrors.get(field);
    return message ? (
      <span class="field-error" id={`contact-${field}-error`} role="alert" data-testid={`contact-${field}-error`}>
        {message}
      </span>
    ) : null;
  };
  const described = (field: string) => (fieldErrors.has(field) ? `contact-${field}-error` : undefined);

  return (
    <section class="card">
      <h2>Contacts</h2>
      <p class="muted small">
        Alerts reach the active contacts of the alert's type (TECHNICAL or FUNCTIONAL; an alert for BOTH reaches all).
      </p>
      <ErrorLine error={actionError} />
      {notice ? (
        <p class="notice" data-testid="notice" role="status">
          {notice}
        </p>
      ) : null}
      <table data-testid="contacts" aria-busy={props.loading ? 'true' : 'false'}>
        <thead>
          <tr>
            <th>Name</th>
            <th>Email</th>
            <th>Type</th>
            <th>Active</th>
            <th>Added</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {props.contacts.map((contact) => (
            <tr data-contact-id={contact.id} class={contact.active ? '' : 'inactive'}>
              <td>{contact.name}</td>
              <td>{contact.email}</td>
              <td>
                <Badge value={contact.contactType} />
              </td>
              <td>{contact.active ? 'yes' : 'no'}</td>
              <td>
                <Time value={contact.createdAt} />
              </td>
              <td class="actions">
                <button
                  type="button"
                  disabled={busy}
                  onClick={() => setActive(contact, !contact.active)}
                  aria-label={`${contact.active ? 'Deactivate' : 'Reactivate'} ${contact.name}`}
                >
                  {contact.active ? 'Deactivate' : 'Reactivate'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.contacts.length === 0 ? <p class="muted">No contacts: alerts reach nobody by email.</p> : null}
      <h3>Add a contact</h3>
      <form class="filters contact-form" onSubmit={onAdd} key={formKey} data-testid="contact-form" noValidate>
        <span class="field">
          <label>
            Name{' '}
            <input
              name="name"
              maxLength={255}
              aria-invalid={fieldErrors.has('name') ? 'true' : 'false'}
              aria-describedby={described('name')}
              data-testid="contact-name"
            />
          </label>{' '}
          {fieldError('name')}
        </span>
        <span class="field">
          <label>
            Email{' '}
            <input
              name="email"
              type="email"
              maxLength={255}
              aria-invalid={fieldErrors.has('email') ? 'true' : 'false'}
              aria-describedby={described('email')}
              data-testid="contact-email"
            />
          </label>{' '}
          {fieldError('email')}
        </span>
        <span class="field">
          <label>
            Type{' '}
            <select name="contactType" data-testid="contact-type">
              {CONTACT_TYPES.map((t) => (
                <option value={t}>{t}</option>
              ))}
            </select>
          </label>{' '}
          {fieldError('contactType')}
        </span>
        <button type="submit" disabled={busy}>
          Add contact
        </button>
      </form>
    </section>
  );
}
