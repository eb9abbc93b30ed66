package provider

import "github.com/hashicorp/terraform-plugin-framework/datasource/schema"

// Attribute builders several data sources share.

func computedString(desc string) schema.StringAttribute {
	return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
}
