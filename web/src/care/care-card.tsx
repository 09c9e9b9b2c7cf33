// The real help a reply to a worrying message carries: shown with the reply whatever the model wrote
// (or failed to write), calm rather than alarming, every way of reaching someone one large tap away.
import type { Care, CareResource } from '../../../common/client.ts';
import { careIntroduction, careRegionLabel, orderedResources, telephoneHref, webHref, webLabel } from './care-resources.ts';
import './care-card.css';

function ResourceItem({ resource }: { resource: CareResource }) {
  const telephone = resource.phone === undefined ? undefined : telephoneHref(resource.phone);
  const web = resource.url === undefined ? undefined : webHref(resource.url);
  const emergency = resource.emergency === true;
  return (
    <li className={`care-resource${emergency ? ' emergency' : ''}`} data-testid="care-resource" data-emergency={emergency ? 'true' : undefined}>
      <p className="care-resource-name">
        {emergency && <span className="care-emergency-label">Emergency</span>}
        {resource.name}
      </p>
      {resource.phone !== undefined &&
        (telephone ? (
          <a className="care-action" href={telephone}>
            Call {resource.phone}
          </a>
        ) : (
          <p className="care-resource-detail">{resource.phone}</p>
        ))}
      {resource.text && <p className="care-resource-detail">{resource.text}</p>}
      {web && (
        <a className="care-action secondary" href={web.href} target="_blank" rel="noopener noreferrer">
          {webLabel(web)}
          <span className="visually-hidden"> (opens in a new tab)</span>
        </a>
      )}
      {resource.hours && <p className="care-resource-hours">{resource.hours}</p>}
    </li>
  );
}

/** The help of one flagged reply; nothing when the server found no resource to give. */
export function CareCard({ care }: { care: Care }) {
  if (care.resources.length === 0) return null;
  return (
    // A labelled section is a region landmark, so a screen reader can jump to the help from anywhere.
    <section className="care-card" aria-label={careRegionLabel} data-testid="care-card" data-care-category={care.category}>
      <p className="care-introduction">{careIntroduction}</p>
      <ul className="care-resources">
        {orderedResources(care.resources).map((resource) => (
          <ResourceItem key={`${resource.country}:${resource.name}`} resource={resource} />
        ))}
      </ul>
    </section>
  );
}
