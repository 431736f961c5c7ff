import { brand } from '../private/brand';
import { checkArgs } from '../private/shapes';

/**
 * The Datadog site (region) the agent sends its data to, as `DD_SITE`: the agent derives every
 * intake endpoint from it. The sites are those the Datadog chart lists for `datadog.site`
 * (charts/datadog/values.yaml at datadog-3.240.0), plus AP2, which the chart's image-registry
 * rules name.
 */
export class DatadogSite {
  /** US1, `datadoghq.com`: the agent's default. */
  public static readonly US1 = new DatadogSite('datadoghq.com');
  /** US3, `us3.datadoghq.com`. */
  public static readonly US3 = new DatadogSite('us3.datadoghq.com');
  /** US5, `us5.datadoghq.com`. */
  public static readonly US5 = new DatadogSite('us5.datadoghq.com');
  /** EU1, `datadoghq.eu`. */
  public static readonly EU1 = new DatadogSite('datadoghq.eu');
  /** AP1, `ap1.datadoghq.com`. */
  public static readonly AP1 = new DatadogSite('ap1.datadoghq.com');
  /** AP2, `ap2.datadoghq.com`. */
  public static readonly AP2 = new DatadogSite('ap2.datadoghq.com');
  /** US1-FED, `ddog-gov.com` (FedRAMP). */
  public static readonly US1_FED = new DatadogSite('ddog-gov.com');

  /**
   * Another site, e.g. a new region: a DNS name, checked when the agent is created.
   *
   * @param site the site's domain, e.g. "us7.datadoghq.com"
   */
  public static custom(site: string): DatadogSite {
    checkArgs('DatadogSite.custom', [site]);
    return new DatadogSite(site);
  }

  private constructor(
    /** The site's domain, the value of `DD_SITE`. */
    public readonly site: string,
  ) {}
}
brand(DatadogSite, 'DatadogSite');
